# plugin_data_file read by every-option.conf
namespace = "spire"
config_map = "trust-bundle"
