"""Settings (FOLLOWUP_* variables) and the default policy, routing and channel files."""

from config.settings import (
    DEFAULTS_DIR,
    ConfigError,
    DispatchPolicy,
    EscalationStep,
    Policy,
    Settings,
    load_policy,
    load_yaml,
)

__all__ = ["DEFAULTS_DIR", "ConfigError", "DispatchPolicy", "EscalationStep", "Policy",
           "Settings", "load_policy", "load_yaml"]
