"A stand-in detector for the training tests (the real detectors live in kd3d.models)."
