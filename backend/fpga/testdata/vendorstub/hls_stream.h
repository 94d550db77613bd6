// A stand-in for Vitis HLS's hls_stream.h, for snnc's tests only.
#ifndef SNNC_TEST_HLS_STREAM_H_
#define SNNC_TEST_HLS_STREAM_H_
#include <cstdio>
#include <cstdlib>
#include <deque>

namespace hls {
template <typename T>
class stream {
   public:
    stream() {}
    explicit stream(const char*) {}
    void write(const T& x) { q_.push_back(x); }
    T read() {
        if (q_.empty()) {
            std::fprintf(stderr, "hls::stream: read while empty\n");
            std::abort();
        }
        T x = q_.front();
        q_.pop_front();
        return x;
    }
    bool empty() const { return q_.empty(); }

   private:
    std::deque<T> q_;
};
}  // namespace hls

#endif
