{
  # Kernels are compiled once per instruction set, each file with its own flags; dispatch.cc picks one at
  # run time, so one build runs on any CPU of the architecture. Nothing compiled for AVX-512 is shared with
  # the other objects: each ISA file keeps its code in a namespace of its own.
  "variables": {
    "common_cflags": ["-O3", "-std=gnu++17", "-fno-exceptions", "-fno-math-errno", "-Wall", "-Wno-unused-function"]
  },
  "targets": [
    {
      "target_name": "floatjs_native",
      "sources": ["csrc/addon.cc", "csrc/dispatch.cc", "csrc/thread_pool.cc", "csrc/scratch.cc", "csrc/isa_generic.cc"],
      "dependencies": ["floatjs_normal"],
      "cflags_cc": ["<@(common_cflags)"],
      "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["<@(common_cflags)"] },
      "conditions": [
        ["target_arch=='x64'", {
          "defines": ["FLOATJS_X86_KERNELS"],
          "dependencies": ["floatjs_avx512", "floatjs_avx2"]
        }]
      ]
    },
    {
      # One IEEE double operation per source operation (no FMA contraction), so the normal draws equal the
      # JS ones bit for bit.
      "target_name": "floatjs_normal",
      "type": "static_library",
      "sources": ["csrc/normal_fill.cc"],
      "cflags_cc": ["<@(common_cflags)", "-ffp-contract=off", "-fno-trapping-math"],
      "cflags": ["-fPIC"],
      "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["<@(common_cflags)", "-ffp-contract=off", "-fno-trapping-math"] }
    }
  ],
  "conditions": [
    ["target_arch=='x64'", {
      "targets": [
        {
          "target_name": "floatjs_avx512",
          "type": "static_library",
          "sources": ["csrc/isa_avx512.cc"],
          "cflags_cc": ["<@(common_cflags)", "-mavx512f", "-mavx512vl", "-mavx512bw", "-mavx512dq", "-mfma", "-Wno-unknown-warning-option", "-Wno-maybe-uninitialized"],
          "cflags": ["-fPIC"],
          "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["<@(common_cflags)", "-mavx512f", "-mavx512vl", "-mavx512bw", "-mavx512dq", "-mfma"] }
        },
        {
          "target_name": "floatjs_avx2",
          "type": "static_library",
          "sources": ["csrc/isa_avx2.cc"],
          "cflags_cc": ["<@(common_cflags)", "-mavx2", "-mfma"],
          "cflags": ["-fPIC"],
          "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["<@(common_cflags)", "-mavx2", "-mfma"] }
        }
      ]
    }]
  ]
}
