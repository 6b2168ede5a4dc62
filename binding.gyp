{
  "targets": [
    {
      "target_name": "uvs_native",
      "sources": [
        "native/src/addon.cc",
        "native/src/probe.cc",
        "native/src/handle.cc",
        "native/src/netns.cc",
        "native/src/afpacket.cc",
        "native/src/tun-raw.cc",
        "native/src/batch-io.cc",
        "native/src/poller.cc",
        "native/src/bindings.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": [
        "NAPI_VERSION=8",
        "NAPI_DISABLE_CPP_EXCEPTIONS",
        "NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED"
      ],
      "cflags_cc": ["-Wall", "-Wextra", "-O2", "-std=c++17"],
      "cflags_cc!": ["-fno-exceptions"]
    }
  ]
}
