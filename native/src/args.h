// args.h: argument checks for the exported functions. Every JS value is checked for its type,
// integrality and range before use; a failed check becomes -EINVAL, never an exception.
#pragma once

#include <napi.h>

#include <cmath>
#include <cstdint>
#include <string>

namespace uvs {

// An integer in [lo, hi] (no NaN, no fraction).
inline bool IntArg(const Napi::Value& v, int64_t lo, int64_t hi, int64_t* out) {
  if (!v.IsNumber()) return false;
  double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || std::floor(d) != d || d < static_cast<double>(lo) || d > static_cast<double>(hi))
    return false;
  *out = static_cast<int64_t>(d);
  return true;
}

// A typed array of exactly this element type; its data pointer (byte offset applied) and length.
template <typename T>
bool TypedArg(const Napi::Value& v, napi_typedarray_type type, T** data, size_t* length) {
  if (!v.IsTypedArray()) return false;
  Napi::TypedArray ta = v.As<Napi::TypedArray>();
  if (ta.TypedArrayType() != type) return false;
  napi_typedarray_type t;
  size_t len = 0;
  void* p = nullptr;
  napi_value ab;
  size_t byteOffset = 0;
  if (napi_get_typedarray_info(v.Env(), v, &t, &len, &p, &ab, &byteOffset) != napi_ok) return false;
  if (len > 0 && p == nullptr) return false;  // detached
  *data = static_cast<T*>(p);
  *length = len;
  return true;
}

// Optional object fields: missing or undefined keeps the default; a wrong type is an error.
inline bool OptInt(const Napi::Object& o, const char* key, int64_t lo, int64_t hi, int64_t* out) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined()) return true;
  return IntArg(v, lo, hi, out);
}

inline bool OptBool(const Napi::Object& o, const char* key, bool* out) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined()) return true;
  if (!v.IsBoolean()) return false;
  *out = v.As<Napi::Boolean>().Value();
  return true;
}

// A string of 0..maxLen bytes without NUL.
inline bool OptString(const Napi::Object& o, const char* key, size_t maxLen, std::string* out) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined()) return true;
  if (!v.IsString()) return false;
  std::string s = v.As<Napi::String>().Utf8Value();
  if (s.size() > maxLen || s.find('\0') != std::string::npos) return false;
  *out = s;
  return true;
}

}  // namespace uvs
