"""The detectors of kd3d and the blocks they share (backbone, sampling, head)."""
