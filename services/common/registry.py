"""Each service's class, by its name: `services.<name>.service.<Name>Service`."""
import importlib


def service_class(name: str):
    module = importlib.import_module(f"services.{name}.service")
    return getattr(module, f"{name.capitalize()}Service")
