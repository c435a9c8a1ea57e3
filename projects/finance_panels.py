"""The finance panels: a project's budget, costs and earned value on its page; a portfolio's
spending against its envelopes on the portfolio page."""
