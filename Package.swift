// swift-tools-version:6.0
// comply: checks schools' CSV exports against YAML rule packs.
// One library module per job, dependencies pointing one way; the executable is thin.
import PackageDescription

let package = Package(
  name: "comply",
  products: [
    .executable(name: "comply", targets: ["comply"]),
    .library(name: "ComplyEngine", targets: ["ComplyEngine"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
  ],
  targets: [
    .systemLibrary(
      name: "CLibYAML", pkgConfig: "yaml-0.1",
      providers: [.apt(["libyaml-dev"])]),
    .target(name: "CPrefetch"),
    .target(name: "CByteMask"),
    .target(name: "ComplyCore", dependencies: ["CPrefetch"]),
    .target(name: "ComplyYAML", dependencies: ["CLibYAML", "ComplyCore"]),
    .target(name: "ComplyCSV", dependencies: ["ComplyCore", "CByteMask"]),
    .target(name: "ComplyExpr", dependencies: ["ComplyCore"]),
    .target(name: "ComplyRules", dependencies: ["ComplyCore", "ComplyYAML", "ComplyExpr", "ComplyCSV"]),
    .target(
      name: "ComplyEngine",
      dependencies: [
        "ComplyCore", "ComplyRules", "ComplyCSV", "ComplyExpr", "CPrefetch",
        .product(name: "Crypto", package: "swift-crypto"),
      ]),
    .target(name: "ComplyReport", dependencies: ["ComplyCore", "ComplyRules", "ComplyEngine"]),
    .executableTarget(
      name: "comply",
      dependencies: [
        "ComplyReport", "ComplyEngine", "ComplyRules", "ComplyCore",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .testTarget(name: "ComplyCoreTests", dependencies: ["ComplyCore"]),
    .testTarget(name: "ComplyYAMLTests", dependencies: ["ComplyYAML"]),
    .testTarget(name: "ComplyCSVTests", dependencies: ["ComplyCSV"]),
    .testTarget(name: "ComplyExprTests", dependencies: ["ComplyExpr"]),
    .testTarget(
      name: "ComplyEngineTests",
      dependencies: ["ComplyEngine", "ComplyExpr", "ComplyRules", "ComplyReport"]),
    .testTarget(name: "ComplyReportTests", dependencies: ["ComplyReport"]),
    .testTarget(name: "ShippedRulesTests", dependencies: ["ComplyEngine", "ComplyRules", "ComplyReport"]),
    .testTarget(
      name: "ComplyCLITests", dependencies: ["comply"], exclude: ["Fixtures", "Snapshots"]),
  ]
)
