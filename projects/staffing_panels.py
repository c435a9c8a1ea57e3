"""The staffing panels: who works on a project, month by month, on its page; a portfolio's
FTE demand against its capacity on the portfolio page."""
