"""credfence: which credentials can an AI agent see, what can they hurt, and are they hidden."""
__version__ = "0.1.0"
