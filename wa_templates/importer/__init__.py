"""Import: the channel's templates written as repository files."""
