// Errors to exit statuses and messages; docs/architecture.md, "Exit statuses".
#include "eisim/failure.hpp"

#include <filesystem>
#include <new>

#include "eisim/errors.hpp"

namespace eisim {

Failure describe_failure(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const AgreedFailure& e) {
    return {e.status, e.what()};
  } catch (const ConfigError& e) {
    return {kBadInput, std::string("error in the network description: ") + e.what()};
  } catch (const UsageError& e) {
    return {kBadInput, e.what()};
  } catch (const RuntimeProblem& e) {
    return {kMachineProblem, e.what()};
  } catch (const std::bad_alloc&) {
    return {kMachineProblem,
            "out of memory: the network or its outputs need more memory than this process may use (see ulimit -v); "
            "reduce N, the connection probability or what is recorded"};
  } catch (const std::filesystem::filesystem_error& e) {
    return {kMachineProblem, e.what()};
  } catch (const InternalError& e) {
    return {kInternalError, std::string("internal error (a bug in eisim; please report it): ") + e.what()};
  } catch (const std::exception& e) {
    return {kUnexpected, std::string("unexpected error: ") + e.what()};
  } catch (...) {
    return {kUnexpected, "unexpected error of an unknown kind"};
  }
}

}  // namespace eisim
