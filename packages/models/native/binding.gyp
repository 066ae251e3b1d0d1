{
  "targets": [
    {
      "target_name": "bytelab_native",
      "sources": ["src/addon.c", "src/kernels.c", "src/optim.c", "src/pool.c"],
      "cflags_c": ["-std=gnu11", "-O3", "-march=native", "-fno-math-errno", "-fopenmp-simd", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "conditions": [
        ["OS=='mac'", {
          "libraries": ["-framework Accelerate"],
          "xcode_settings": {
            "OTHER_CFLAGS": ["-std=gnu11", "-O3", "-fno-math-errno", "-fopenmp-simd"]
          },
          "conditions": [
            ["target_arch=='arm64'", { "xcode_settings": { "OTHER_CFLAGS+": ["-mcpu=native"] } }],
            ["target_arch=='x64'", { "xcode_settings": { "OTHER_CFLAGS+": ["-march=native"] } }]
          ]
        }, {
          "libraries": ["-lopenblas", "-lpthread", "-lm"]
        }]
      ]
    }
  ]
}
