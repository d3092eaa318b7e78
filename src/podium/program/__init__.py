"""The program: sessions, rooms, presenters, fields of study and their codewords."""
