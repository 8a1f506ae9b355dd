// JdbcCheck -- pgJDBC in its default mode against one server: its connection set-up
// (SET extra_float_digits, application_name), Statement, PreparedStatement run past
// prepareThreshold (the switch to a named statement with binary results), setFetchSize
// portals inside a transaction, DatabaseMetaData. Prints one line per check so a test can
// compare lakeward with PostgreSQL. Usage: java -cp postgresql.jar:. JdbcCheck URL USER
import java.sql.*;
import java.util.*;

public class JdbcCheck {
    static void emit(String check, Object value) {
        System.out.println(check + "\t" + value);
    }

    static String row(ResultSet rs) throws SQLException {
        StringBuilder b = new StringBuilder();
        int n = rs.getMetaData().getColumnCount();
        for (int i = 1; i <= n; i++) {
            Object o = rs.getObject(i);
            b.append(i > 1 ? "|" : "").append(o == null ? "NULL" : o.getClass().getSimpleName() + ":" + o);
        }
        return b.toString();
    }

    static List<String> all(ResultSet rs) throws SQLException {
        List<String> out = new ArrayList<>();
        while (rs.next())
            out.add(row(rs));
        rs.close();
        return out;
    }

    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        p.setProperty("user", args[1]);
        try (Connection c = DriverManager.getConnection(args[0], p)) {
            try (Statement st = c.createStatement()) {
                emit("statement", all(st.executeQuery("select 1 as one, 'two'::text as two")));
                emit("show_app", all(st.executeQuery("select current_setting('application_name')")));
            }
            // prepareThreshold 5: from the 5th execution a named statement, binary results
            try (PreparedStatement ps = c.prepareStatement(
                    "select ?::int8 + 1, ?::text, ?::float8, '2024-02-29 12:34:56.5+00'::timestamptz, 1.50::numeric, true")) {
                for (int i = 0; i < 8; i++) {
                    ps.setLong(1, i);
                    ps.setString(2, "s" + i);
                    ps.setDouble(3, i + 0.5);
                    emit("prepared_" + i, all(ps.executeQuery()));
                }
            }
            try (PreparedStatement ps = c.prepareStatement("select count(*) from generate_series(1, 10) g where g > ?")) {
                ps.setInt(1, 7);
                emit("inferred", all(ps.executeQuery()));
            }
            // fetch size: a named portal inside a transaction, resumed after PortalSuspended
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("select g from generate_series(1, 7) g")) {
                ps.setFetchSize(2);
                emit("fetch_size", all(ps.executeQuery()));
            }
            c.commit();
            c.setAutoCommit(true);
            try (Statement st = c.createStatement()) {
                st.executeQuery("select 1 / 0");
                emit("error", "none");
            } catch (SQLException e) {
                emit("error", e.getSQLState());
            }
            try (Statement st = c.createStatement()) {
                emit("after_error", all(st.executeQuery("select 42")));
            }
            DatabaseMetaData md = c.getMetaData();
            emit("product", md.getDatabaseProductName() + " " + md.getDatabaseMajorVersion());
        }
    }
}
