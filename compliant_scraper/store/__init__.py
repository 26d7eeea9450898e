"""Where compliance state lives: the SQLite store and its interface."""
