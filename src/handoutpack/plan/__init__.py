"""What one build makes, before anything is rendered."""
