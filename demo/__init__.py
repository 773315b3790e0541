"""Dev-only app: the `load_demo` command and its fictitious data. No domain app imports it."""
