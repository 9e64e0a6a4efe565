"""The Textual UI. Screens and widgets get data through messages from `ui.data`."""
