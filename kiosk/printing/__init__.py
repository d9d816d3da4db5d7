"""Printing the patient's questions: the handout and the print queue."""
