"""Persian text: normalisation, main text, dates, numbers and programme facts. Pure functions, no I/O."""
