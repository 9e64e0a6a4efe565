"""The two services the emulator speaks, by their signing names."""

CONTROL = "iot"
DEVICE = "iot-jobs-data"
