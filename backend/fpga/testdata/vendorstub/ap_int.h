// A stand-in for Vitis HLS's ap_int.h, for snnc's tests only: the subset of
// ap_int<W>/ap_uint<W> the generated design uses, with the vendor's
// semantics for it (construction from an integer keeps the low W bits,
// sign- or zero-extended; to_int64/to_uint64 read the value back).
#ifndef SNNC_TEST_AP_INT_H_
#define SNNC_TEST_AP_INT_H_
#include <cstdint>

template <int W>
struct ap_int {
    static_assert(W >= 1 && W <= 64, "width");
    int64_t v;
    ap_int() : v(0) {}
    static int64_t low(long long x) { return (int64_t)((uint64_t)x << (64 - W)) >> (64 - W); }
    ap_int(long long x) : v(low(x)) {}
    ap_int(int x) : ap_int((long long)x) {}
    ap_int(long x) : ap_int((long long)x) {}
    ap_int(unsigned x) : ap_int((long long)x) {}
    ap_int(unsigned long x) : ap_int((long long)x) {}
    ap_int(unsigned long long x) : ap_int((long long)x) {}
    long long to_int64() const { return v; }
};

template <int W>
struct ap_uint {
    static_assert(W >= 1 && W <= 64, "width");
    uint64_t v;
    ap_uint() : v(0) {}
    static uint64_t low(unsigned long long x) { return (uint64_t)x & (~0ull >> (64 - W)); }
    ap_uint(unsigned long long x) : v(low(x)) {}
    ap_uint(int x) : ap_uint((unsigned long long)(long long)x) {}
    ap_uint(long x) : ap_uint((unsigned long long)(long long)x) {}
    ap_uint(long long x) : ap_uint((unsigned long long)x) {}
    ap_uint(unsigned x) : ap_uint((unsigned long long)x) {}
    ap_uint(unsigned long x) : ap_uint((unsigned long long)x) {}
    unsigned long long to_uint64() const { return v; }
};

#endif
