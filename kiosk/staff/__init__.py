"""Staff mode: the gesture that opens it, the PIN that guards it."""
