"""Files made from the story and the tables: the PowerPoint deck, the one-file HTML report, the
tables as XLSX or CSV, and chart images."""
