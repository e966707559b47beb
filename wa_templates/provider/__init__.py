"""Providers: the real 8x8 client and the sandbox, behind one small interface (`base.Provider`)."""
