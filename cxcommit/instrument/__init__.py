"""The instrument: the items asked (the 8 signs of executive commitment and the built-in module
questions, ``instrument.csv``), the answer scales they are read on (``scales``), and a column's scale
guessed from its answers (``guess``)."""
