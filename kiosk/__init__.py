"""Waiting-room kiosk that teaches patients about a procedure before they see the doctor."""

import os

__version__ = "0.1.0"

# onnxruntime (the natural voice) sends usage telemetry from Linux since 1.2x, keeps a device
# id in ~/.cache/Microsoft and leaves a ".ses" file in the temporary folder. A kiosk keeps
# nothing of a visit and tells no one about it: this turns all of it off, for this process
# and every one it starts, before anything can load onnxruntime.
os.environ["ORT_DISABLE_TELEMETRY"] = "1"
