"""Session evaluations: the questions and the responses."""
