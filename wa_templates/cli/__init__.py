"""The command line: a thin click shell over the stages. One module per command in `commands`."""
