"""Plan: the actions apply would take, with their reasons and the lifecycle checks behind them."""
