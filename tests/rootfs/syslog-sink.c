// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * syslog-sink SOCKET COMMAND [ARG]...
 *
 * Test tool: binds a datagram socket at SOCKET (where syslog(3) sends, /dev/log
 * in a private mount namespace), runs COMMAND, and once it has exited prints
 * every message received, one per line. Exits with COMMAND's status.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static int bind_socket(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "syslog-sink: %s: path too long\n", path);
		return -ENAMETOOLONG;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		fprintf(stderr, "syslog-sink: %s: %s\n", path, strerror(e));
		if (fd >= 0)
			close(fd);
		return -e;
	}
	return fd;
}

/* Prints every datagram waiting on fd; returns -errno on a read error. */
static int drain(int fd)
{
	char msg[2048];

	for (;;) {
		ssize_t n = recv(fd, msg, sizeof(msg) - 1, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? 0 : -errno;
		while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\0'))
			n--;
		msg[n] = '\0';
		printf("%s\n", msg);
	}
}

int main(int argc, char **argv)
{
	int fd, status = 0;
	pid_t pid;

	if (argc < 3) {
		fprintf(stderr, "usage: syslog-sink SOCKET COMMAND [ARG]...\n");
		return 2;
	}
	fd = bind_socket(argv[1]);
	if (fd < 0)
		return 2;
	pid = fork();
	if (pid < 0) {
		perror("syslog-sink: fork");
		return 2;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		fprintf(stderr, "syslog-sink: %s: %s\n", argv[2], strerror(errno));
		_exit(127);
	}
	/* The socket buffer is small: read while the command runs. */
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid || (w < 0 && errno != EINTR))
			break;
		if (poll(&pfd, 1, 50) > 0 && drain(fd) < 0)
			break;
	}
	if (drain(fd) < 0)
		perror("syslog-sink: recv");
	close(fd);
	if (fflush(stdout) == EOF)
		return 2;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
