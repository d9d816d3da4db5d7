"""What the tests and the benchmarks share: private X, audio, CUPS and AT-SPI servers started
for them, the kiosk's surroundings set up in one call, the soak driver, Orca, and reports."""
