"""Programme models (sages, teams, households, …) arrive with the programme back-office issue."""
