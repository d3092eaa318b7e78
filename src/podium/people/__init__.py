"""People at an event: attendees (presenters are handled with the program)."""
