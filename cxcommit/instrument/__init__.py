"""The instrument: the items asked (the 8 signs of executive commitment and the built-in module
questions, ``instrument.csv``) and the answer scales they are read on."""
