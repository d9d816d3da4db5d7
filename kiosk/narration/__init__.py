"""Reading pages aloud: speech synthesis in a supervised worker, playback, and the narrator."""
