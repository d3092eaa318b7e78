"""Live interaction: polls and votes, questions and upvotes."""
