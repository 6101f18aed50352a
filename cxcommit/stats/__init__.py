"""Statistics on arrays: intervals for shares and their differences, tests of two shares, p-value
adjustment, correlation. Arrays in, arrays out: nothing here knows a survey."""
