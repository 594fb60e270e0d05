"""MedCoDi-M model components (clean-room PyTorch re-implementation, spec ../../../shared/docs/medcodi-m-spec.md)."""
