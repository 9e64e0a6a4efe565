"""The AWS layer: sessions, API calls and typed models. No Textual, no Rich, no UI."""
