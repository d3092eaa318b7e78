"""Events (the vendor's "app"): creating them and changing their settings."""
