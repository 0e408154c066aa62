/* pty-attach - hand a new terminal's master to a console socket, then execute
 *
 * usage: pty-attach (--connect PATH --fd N | --socket-fd N [--size COLSxROWS]
 *        [--console]) [--] prog [args...]
 *
 * The OCI runtime's --console-socket, in two links of a chain.
 *
 * --connect PATH --fd N (before the root switch, where PATH is reachable):
 * connects a unix stream socket to PATH (an engine listens there: podman's
 * conmon, containerd's shim), puts it on descriptor N (dup2(2), not
 * close-on-exec: it must reach the second link, across pivot --keep-fd N)
 * and executes prog.
 *
 * --socket-fd N (after the root switch, with the container's /dev): opens
 * /dev/ptmx of the current root (a private devpts instance: /dev/ptmx ->
 * pts/ptmx), unlocks it, sets its window size (--size), sends the master
 * over socket N as runc's utils.SendFd does (one sendmsg(2): the master's
 * name, "/dev/ptmx", as the data, the descriptor as SCM_RIGHTS), closes the
 * master and N, starts a new session (setsid(2)), makes the terminal its
 * controlling terminal (TIOCSCTTY) and prog's standard input, output and
 * error, and executes prog. The engine then holds the only master. With
 * --console the slave is also bound on /dev/console (created as an empty
 * file if missing), as the OCI runtime spec asks of a terminal: this needs
 * CAP_SYS_ADMIN (before cap-drop) and a mount namespace of the container.
 *
 * Does not: fork (setsid fails for a process group leader: run it as a
 * child, as a chain after ns-enter --pid is), listen (the engine does),
 * wait for the engine to read, mount anything but --console's bind, or
 * relay data: the engine reads and writes the master itself.
 *
 * Exit: 125 own failure, 126/127 prog not executable / not found, else
 * prog's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <linux/openat2.h>

#include "lib.h"

#define SYNOPSIS "pty-attach (--connect PATH --fd N | --socket-fd N" \
	" [--size COLSxROWS] [--console]) [--] prog [args...]"
#define OPTIONS \
	"  --connect PATH    connect to the unix socket PATH, put it on" \
	" --fd N\n" \
	"  --fd N            the descriptor the connected socket goes to\n" \
	"  --socket-fd N     send a new pty master over socket N; the slave" \
	" is prog's tty\n" \
	"  --size COLSxROWS  the terminal's window size (with --socket-fd)\n" \
	"  --console         bind the terminal on /dev/console too (with" \
	" --socket-fd)\n" \
	"  -h, --help        print this help\n"

/* Linux 4.13; older C libraries' headers lack it */
#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

/* "COLSxROWS", each 1 to 65535. */
static void parse_winsize(const char *s, struct winsize *ws)
{
	char *copy = strdup(s), *x;
	unsigned long cols, rows;

	if (!copy)
		die("strdup");
	x = strchr(copy, 'x');
	if (x)
		*x++ = '\0';
	if (!x || parse_ulong(copy, &cols) < 0 || parse_ulong(x, &rows) < 0 ||
	    !cols || !rows || cols > 65535 || rows > 65535)
		diex("size %s: not COLSxROWS", s);
	ws->ws_col = (unsigned short)cols;
	ws->ws_row = (unsigned short)rows;
	free(copy);
}

/* --connect: a stream socket connected to path, on descriptor fd. A path
 * longer than sun_path is reached through its directory, opened O_PATH
 * (/proc/self/fd/D/NAME), as conmon reaches its own sockets. */
static void connect_to(const char *path, int fd)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char *dcopy = strdup(path), *bcopy = strdup(path);
	int s, dir = -1;

	if (!dcopy || !bcopy)
		die("strdup");
	if (strlen(path) < sizeof(sa.sun_path)) {
		strcpy(sa.sun_path, path);
	} else {
		dir = open(dirname(dcopy), O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (dir < 0)
			die("connect %s: open its directory", path);
		if (snprintf(sa.sun_path, sizeof(sa.sun_path),
			     "/proc/self/fd/%d/%s", dir, basename(bcopy)) >=
		    (int)sizeof(sa.sun_path)) {
			errno = ENAMETOOLONG;
			die("connect %s", path);
		}
	}
	/* A new stream socket, connected to the engine's. */
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		die("socket");
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("connect %s", path);
	if (dir >= 0)
		close(dir);
	free(dcopy);
	free(bcopy);
	/* On descriptor fd, open across exec (dup2 clears close-on-exec;
	 * a socket that is fd already is cleared by hand). */
	if (s == fd) {
		if (fcntl(fd, F_SETFD, 0) < 0)
			die("fd %d", fd);
		return;
	}
	if (dup2(s, fd) < 0)
		die("dup2 to fd %d", fd);
	close(s);
}

/* Send the master over socket sock as runc's utils.SendFd: the name as
 * the data, the descriptor as one SCM_RIGHTS message. */
static void send_master(int sock, int master)
{
	static char name[] = "/dev/ptmx";
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = { .iov_base = name, .iov_len = strlen(name) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	struct cmsghdr *c;
	ssize_t n;

	memset(&ctl, 0, sizeof(ctl));
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &master, sizeof(int));
	while ((n = sendmsg(sock, &msg, MSG_NOSIGNAL)) < 0 && errno == EINTR)
		;
	if (n < 0)
		die("send the terminal over socket-fd %d", sock);
}

/* --console: the slave bound on /dev/console (an empty file made for it
 * if missing, never through a symlink), with the new mount API: a copy of
 * the slave's mount, of that one file, attached there. */
static void bind_console(int slave)
{
	int tree, dst;

	dst = openat2_(AT_FDCWD, "/dev/console", O_PATH | O_CLOEXEC,
		       RESOLVE_NO_SYMLINKS);
	if (dst < 0 && errno == ENOENT) {
		dst = open("/dev/console", O_WRONLY | O_CREAT | O_EXCL |
			   O_NOFOLLOW | O_CLOEXEC, 0600);
		if (dst >= 0)
			close(dst);
		dst = openat2_(AT_FDCWD, "/dev/console", O_PATH | O_CLOEXEC,
			       RESOLVE_NO_SYMLINKS);
	}
	if (dst < 0)
		die("console: open /dev/console");
	tree = (int)syscall(SYS_open_tree, slave, "", OPEN_TREE_CLONE |
			    OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	if (tree < 0 || syscall(SYS_move_mount, tree, "", dst, "",
				MOVE_MOUNT_F_EMPTY_PATH |
				MOVE_MOUNT_T_EMPTY_PATH) < 0)
		die("console: bind the terminal on /dev/console");
	close(tree);
	close(dst);
}

/* --socket-fd: a new terminal, its master sent over sock, its slave
 * prog's controlling terminal and standard descriptors. */
static void attach(int sock, const struct winsize *ws, int console)
{
	struct stat st;
	int master, slave, unlock = 0;

	if (fstat(sock, &st) < 0)
		die("socket-fd %d", sock);
	if (!S_ISSOCK(st.st_mode))
		diex("socket-fd %d: not a socket", sock);
	/* A new pseudo-terminal pair of the devpts instance /dev/ptmx leads
	 * to, unlocked (see pty(7)), sized. */
	master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		die("open /dev/ptmx");
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
		die("unlockpt /dev/ptmx");
	if (ws && ioctl(master, TIOCSWINSZ, ws) < 0)
		die("set the window size");
	/* The slave through the master (no path to race with), or, before
	 * Linux 4.13, by its name in /dev/pts. */
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0 && (errno == EINVAL || errno == ENOTTY)) {
		unsigned int n;
		char path[32];

		if (ioctl(master, TIOCGPTN, &n) < 0)
			die("ptsname");
		snprintf(path, sizeof(path), "/dev/pts/%u", n);
		slave = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (slave < 0)
			die("open %s", path);
	} else if (slave < 0) {
		die("open the terminal's slave");
	}
	if (console)
		bind_console(slave);
	/* The engine takes the master; we keep none of it. */
	send_master(sock, master);
	close(master);
	close(sock);
	/* A new session whose controlling terminal is the slave. */
	if (setsid() < 0)
		die("setsid (a process group leader cannot: run pty-attach "
		    "as a child)");
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		die("make the terminal the controlling one (TIOCSCTTY)");
	/* prog's standard input, output and error. */
	for (int fd = 0; fd <= 2; fd++)
		if (dup2(slave, fd) < 0)
			die("dup2 the terminal to fd %d", fd);
	if (slave > 2)
		close(slave);
}

int main(int argc, char **argv)
{
	enum { CONNECT = 256, FD, SOCKET_FD, SIZE, CONSOLE };
	static const struct option longopts[] = {
		{ "connect", required_argument, NULL, CONNECT },
		{ "fd", required_argument, NULL, FD },
		{ "socket-fd", required_argument, NULL, SOCKET_FD },
		{ "size", required_argument, NULL, SIZE },
		{ "console", no_argument, NULL, CONSOLE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL;
	struct winsize ws = { 0 };
	int c, fd = -1, sock = -1, sized = 0, console = 0;

	progname = "pty-attach";
	opterr = 0;	/* bad_option says it */
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case CONNECT: path = optarg; break;
		case FD: fd = parse_fd("fd", optarg); break;
		case SOCKET_FD: sock = parse_fd("socket-fd", optarg); break;
		case SIZE: parse_winsize(optarg, &ws); sized = 1; break;
		case CONSOLE: console = 1; break;
		case 'h': help(SYNOPSIS, OPTIONS);
		case '?': bad_option(argv, SYNOPSIS);
		default: usage(SYNOPSIS, EXIT_SELF);
		}
	}
	argv = prog_argv(argc, argv, optind, SYNOPSIS);
	if ((path != NULL) + (sock >= 0) != 1)
		diex("one of --connect and --socket-fd is needed");
	if (path && fd < 0)
		diex("--connect needs --fd");
	if (path && (sized || console))
		diex("--size and --console go with --socket-fd");
	if (sock >= 0 && fd >= 0)
		diex("--fd goes with --connect");
	if (path)
		connect_to(path, fd);
	else
		attach(sock, sized ? &ws : NULL, console);
	exec_or_die(argv);
}
