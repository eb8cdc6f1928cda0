#include "std_streams.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "commands.hpp"

namespace asynclab::cli {

bool open_standard_streams() noexcept {
    for (int fd = 0; fd <= 2; ++fd) {
        if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
        // The lowest free descriptor is `fd` itself, as the ones below it are open by now.
        const int opened = ::open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
        if (opened == fd) continue;
        const int err = errno;
        if (opened >= 0) ::close(opened);
        if (fd != 2 || opened >= 0) {
            std::fprintf(stderr,
                         "asynclab: descriptor %d is closed and /dev/null cannot be opened: %s\n",
                         fd, std::strerror(err));
        }
        return false;
    }
    return true;
}

namespace {
int output_errno = 0;  // why a write to stdout failed, when a writer said so
}  // namespace

void output_failed(int err) noexcept {
    if (output_errno == 0) output_errno = err;
}

int check_output_written(int code) noexcept {
    // stdio first: CLI11's help goes through std::cout, which is synced with stdio, so everything
    // ends up in stdout's buffer, and a failed flush there says why (errno) only once.
    errno = 0;
    if (std::fflush(stdout) != 0 && output_errno == 0) output_errno = errno;
    std::cout.flush();
    if (!std::ferror(stdout) && std::cout.good() && output_errno == 0) return code;
    if (output_errno != 0) {
        std::fprintf(stderr, "asynclab: cannot write the output: %s\n",
                     std::strerror(output_errno));
    } else {
        std::fprintf(stderr, "asynclab: cannot write the output\n");
    }
    return code == exit_ok ? exit_failed : code;
}

}  // namespace asynclab::cli
