"""The Textual terminal app over ``assistant.Assistant`` (the core never imports this)."""
