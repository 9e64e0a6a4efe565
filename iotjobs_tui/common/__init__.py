"""Pure helpers shared by the emulator and the AWS layer; they import nothing else of the app."""
