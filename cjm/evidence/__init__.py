"""`cjm evidence`: check a journey map against a CRM/analytics event log, with DuckDB as the engine."""
