"""Live mode: streaming recognition (LocalAgreement-2), the crash-safe recording, provisional speaker labels."""
