#include <cstring>

#include "kernel_table.h"

namespace floatjs {

const KernelTable* kernelsFor(const char* isa) {
#if defined(FLOATJS_X86_KERNELS)
  __builtin_cpu_init();
  // __builtin_cpu_supports also checks that the OS saves the wider registers (XGETBV).
  if (!std::strcmp(isa, "avx512")) return __builtin_cpu_supports("avx512f") ? kernelsAvx512() : nullptr;
  if (!std::strcmp(isa, "avx2"))
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? kernelsAvx2() : nullptr;
#endif
  if (!std::strcmp(isa, "generic")) return kernelsGeneric();
  return nullptr;
}

const KernelTable* bestKernels() {
  static const char* const order[] = {"avx512", "avx2", "generic"};
  for (const char* isa : order)
    if (const KernelTable* k = kernelsFor(isa)) return k;
  return nullptr;
}

}  // namespace floatjs
