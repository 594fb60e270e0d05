"""MedCoDi-M toolchain: a clean-room PyTorch re-implementation (full + nano configs), a chest phantom,
nano training, ONNX export and the models-manifest.json writer."""
import os

# OpenMP threads that spin while waiting make torch several times slower on a shared 2-core machine.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
