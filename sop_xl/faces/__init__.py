"""What people other than the planner hold: the sales assistants' workbooks and the meeting pack."""
