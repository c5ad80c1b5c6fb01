/// The metadata keys of i2f's data set files (all values are strings, as safetensors requires).
public enum DatasetMetadataKey {
  /// The data set's short name.
  public static let name = "name"
  /// JSON array of class names; its length is the class count.
  public static let classNames = "class_names"
  /// Class count, when there are no class names.
  public static let classCount = "num_classes"
  /// JSON array of per-image names.
  public static let itemNames = "item_names"
  /// JSON array of the address each item was taken from (samples written by i2f).
  public static let itemSources = "item_sources"
  /// The U8 value that means 1.0 (default 255).
  public static let maxValue = "max_value"
}
