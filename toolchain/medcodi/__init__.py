"""MedCoDi-M toolchain: a clean-room PyTorch re-implementation (full + nano configs), a chest phantom,
nano training, ONNX export and the models-manifest.json writer."""
